/* Mailbox: the Promela twin of bench/mailbox_n.spec (the wide-state family),
 * written so that SPIN's "states, stored" (with -DNOREDUCE) equals the
 * explicit engine's distinct-state count.
 *
 *   spin -a -DN=4 -DC=2 -DS=3 mailbox.pml && gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c && ./pan -E
 *
 * Every action of the spec is one d_step in a process's do loop (so program
 * counters stay at the loop head).  Client c of the spec is process c-1; the
 * request channel carries (client, sequence number, write) messages; reply
 * channel rp[i] holds at most two sequence numbers, as the spec's seq<.., 2>
 * (two outstanding requests per client at most, so a reply always has room).
 * The invariants are asserted at the end of every step.
 */
#ifndef N
#define N 4
#endif
#ifndef C
#define C 2
#endif
#ifndef S
#define S 3
#endif

chan rq = [C] of { byte, byte, bit };
chan rp[N] = [2] of { byte };
byte sent[N];
byte expect[N];
byte outstanding[N];
byte reg = 0;   /* the spec's register (a C keyword) */
#ifndef SCRATCH
#define SCRATCH hidden
#endif
SCRATCH byte k;
SCRATCH byte c;
SCRATCH byte s;
SCRATCH byte w;

/* replies_in_order and replies_bounded (and reg < S: without a read SPIN
 * would drop the write-only register from the state vector); resets the
 * scratch variables */
#define CHECK \
  assert(reg < S); \
  for (k : 0 .. N-1) { \
    assert(len(rp[k]) <= outstanding[k]); \
    if \
    :: nempty(rp[k]) -> rp[k]?<s>; assert(s == expect[k]) \
    :: empty(rp[k]) -> skip \
    fi \
  }; \
  k = 0; c = 0; s = 0; w = 0

active [N] proctype client()
{
  do
  :: d_step { outstanding[_pid] < 2 && nfull(rq) ->
       rq!_pid,sent[_pid],0; sent[_pid] = (sent[_pid] + 1) % S; outstanding[_pid]++; CHECK }
  :: d_step { outstanding[_pid] < 2 && nfull(rq) ->
       rq!_pid,sent[_pid],1; sent[_pid] = (sent[_pid] + 1) % S; outstanding[_pid]++; CHECK }
  :: d_step { rp[_pid]?[eval(expect[_pid])] ->
       rp[_pid]?s; expect[_pid] = (expect[_pid] + 1) % S; outstanding[_pid]--; CHECK }
  od
}

active proctype server()
{
  do
  :: d_step { nempty(rq) ->
       rq?c,s,w;
       if
       :: w -> reg = s
       :: else -> skip
       fi;
       rp[c]!s; CHECK }
  od
}
