/* Config propagation: the Promela twin of bench/config_n.spec, written so
 * that SPIN's "states, stored" (with -DNOREDUCE) equals the explicit
 * engine's distinct-state count.
 *
 *   spin -a -DW=3 -DK=3 -DC=2 -DV=10 config.pml && gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c && ./pan -E -m10000000
 *
 * Each labelled step of the spec's processes is one d_step (one transition,
 * no intermediate states).  A writer's body is the loop "store; notify", so
 * its program counter takes the same two values as the spec's writer[w].pc;
 * a watcher's body is a loop of one step.  Channel q[k] is watcher k's FIFO
 * of capacity C.  The invariants are asserted at the end of every step.
 */
#ifndef W
#define W 3
#endif
#ifndef K
#define K 3
#endif
#ifndef C
#define C 2
#endif
#ifndef V
#define V 10
#endif

#if K == 1
#define ROOM nfull(q[0])
#elif K == 2
#define ROOM nfull(q[0]) && nfull(q[1])
#elif K == 3
#define ROOM nfull(q[0]) && nfull(q[1]) && nfull(q[2])
#elif K == 4
#define ROOM nfull(q[0]) && nfull(q[1]) && nfull(q[2]) && nfull(q[3])
#else
#error "K must be 1..4"
#endif

byte stored = 0;
chan q[K] = [C] of { byte };
/* Scratch variables of the d_steps: hidden (not part of the state vector),
 * and reset to 0 at the end of every d_step, so that compare.py --levels can
 * compile with -DSCRATCH= (SPIN's -DBFS refuses hidden variables) and still
 * count the same states. */
#ifndef SCRATCH
#define SCRATCH hidden
#endif
SCRATCH byte i;
SCRATCH byte j;
SCRATCH byte m;

/* every queued version has been stored (checked for all channels); ends
 * every d_step, and resets the scratch variables */
#define CHECK_QUEUES \
  for (i : 0 .. K-1) { \
    j = 0; \
    do \
    :: j < len(q[i]) -> q[i]?m; assert(m <= stored); q[i]!m; j++ \
    :: else -> break \
    od \
  }; \
  i = 0; j = 0; m = 0

active [W] proctype writer()
{
  byte version = 0;
  do
  :: d_step { stored < V -> stored++; version = stored; CHECK_QUEUES };
     d_step { ROOM -> for (i : 0 .. K-1) { q[i]!version }; CHECK_QUEUES }
  od
}

active [K] proctype watcher()
{
  byte seen = 0;
  do
  :: d_step { q[_pid - W]?seen -> assert(seen <= stored); CHECK_QUEUES }
  od
}
