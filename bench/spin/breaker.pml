/* Circuit breaker with N concurrent callers: the Promela twin of
 * bench/breaker_n.spec, written so that SPIN's "states, stored" (with
 * -DNOREDUCE) equals the explicit engine's distinct-state count.
 *
 *   spin -a -DN=10 breaker.pml && gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c && ./pan -E -m10000000
 *
 * Every action of the spec is one d_step (one transition, no intermediate
 * states); every process body is a single do-loop of d_steps, so each
 * process's program counter is always at the loop head and adds nothing to
 * the state count.  The spec's map entries pc[c] and outcome[c] are the locals
 * of caller c.  The invariants are asserted at the end of every step (the
 * initial state satisfies them).
 */
#ifndef N
#define N 10
#endif
#ifndef THRESHOLD
#define THRESHOLD 3
#endif
#ifndef TIMEOUT
#define TIMEOUT 2
#endif

#define Closed   0
#define Open     1
#define HalfOpen 2
#define Ready    0
#define Updating 1
#define NoCall   0
#define Success  1
#define Failure  2

byte phase = Closed;
byte failures = 0;
byte timer = 0;

#define GLOBAL_INV ((phase != Open || failures == THRESHOLD) && (phase == Open || timer == 0))
#define LOCAL_INV  ((pc == Ready) == (outcome == NoCall))

active [N] proctype caller()
{
  byte pc = Ready;
  byte outcome = NoCall;
  do
  :: d_step { pc == Ready && phase != Open -> outcome = Success; pc = Updating;
              assert(GLOBAL_INV && LOCAL_INV) }
  :: d_step { pc == Ready && phase != Open -> outcome = Failure; pc = Updating;
              assert(GLOBAL_INV && LOCAL_INV) }
  :: d_step { pc == Updating ->
              if
              :: outcome == Success ->
                   if
                   :: phase == HalfOpen -> phase = Closed; failures = 0
                   :: else -> skip
                   fi
              :: else ->
                   if
                   :: failures < THRESHOLD -> failures++
                   :: else -> skip
                   fi;
                   if
                   :: failures == THRESHOLD && phase != Open -> phase = Open; timer = 0
                   :: else -> skip
                   fi
              fi;
              outcome = NoCall; pc = Ready;
              assert(GLOBAL_INV && LOCAL_INV) }
  od
}

/* tick: time passes while the breaker is open; at TIMEOUT it half-opens. */
active proctype clock()
{
  do
  :: d_step { phase == Open ->
              if
              :: timer == TIMEOUT -> phase = HalfOpen; timer = 0
              :: else -> timer++
              fi;
              assert(GLOBAL_INV) }
  od
}
