/* Round-robin load balancer: the Promela twin of bench/balancer_n.spec,
 * written so that SPIN's "states, stored" (with -DNOREDUCE) equals the
 * explicit engine's distinct-state count.
 *
 *   spin -a -DN=7 -DM=3 balancer.pml && gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c && ./pan -E -m10000000
 *
 * Every action of the spec is one d_step (one transition, no intermediate
 * states); every process body is a single do-loop of d_steps.  The set of
 * registered instances is the bitmask reg (bit i-1 for instance i), the
 * round-robin cursor is stored 0-based (spec cursor - 1); the per-client map
 * entries status[c] and chosen[c] are the locals of client c.  The spec's
 * select(c, i) has one binding enabled at a time (the first registered
 * instance from the cursor); here the d_step searches for it.
 */
#ifndef N
#define N 7
#endif
#ifndef M
#define M 3
#endif

#define Idle   0
#define Sent   1
#define Served 2
#define Failed 3

byte reg = 0;          /* registered instances, as a bitmask */
byte cursor = 0;       /* next instance to try first, 0-based */
/* search index inside a d_step: hidden (not part of the state vector) and
 * reset to 0 at the end of the d_step, so that compare.py --levels can compile
 * with -DSCRATCH= (SPIN's -DBFS refuses hidden variables) */
#ifndef SCRATCH
#define SCRATCH hidden
#endif
SCRATCH byte i;

#define IN_REG(x) ((reg >> ((x) - 1)) & 1)
#define INV ((chosen != 0) == (status == Sent || status == Served))

/* instance _pid + 1 registers and deregisters itself */
active [N] proctype instance()
{
  do
  :: d_step { !IN_REG(_pid + 1) -> reg = reg | (1 << _pid) }
  :: d_step {  IN_REG(_pid + 1) -> reg = reg & ~(1 << _pid) }
  od
}

active [M] proctype client()
{
  byte status = Idle;
  byte chosen = 0;
  do
  :: d_step { status == Idle && reg != 0 ->          /* select */
              i = cursor;
              do
              :: (reg >> i) & 1 -> break
              :: else -> i = (i + 1) % N
              od;
              chosen = i + 1; status = Sent; cursor = (i + 1) % N; i = 0;
              assert(INV) }
  :: d_step { status == Sent ->                      /* call */
              if
              :: IN_REG(chosen) -> status = Served
              :: else -> status = Failed; chosen = 0
              fi;
              assert(INV) }
  :: d_step { status == Served || status == Failed -> /* finish */
              status = Idle; chosen = 0;
              assert(INV) }
  od
}
