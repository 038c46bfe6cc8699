/* The Die Hard jugs, the same actions as diehard.spec (one process, each
   action one d_step, so the process counter never changes).
   spin -a diehard.pml && gcc -O2 -DNOREDUCE -DBFS -o pan pan.c && ./pan -E -c0
   SPIN 6.5.2: 16 states stored; the assertion big != 4 fails, first at depth 6
   with -DBFS. */
byte big, small, poured;

active proctype jugs() {
  do
  :: d_step { small = 3 }
  :: d_step { big = 5 }
  :: d_step { small = 0 }
  :: d_step { big = 0 }
  :: d_step { poured = (small < 5 - big -> small : 5 - big);
              big = big + poured; small = small - poured; poured = 0 }
  :: d_step { poured = (big < 3 - small -> big : 3 - small);
              small = small + poured; big = big - poured; poured = 0 }
  :: d_step { big == 4 -> assert(false) }
  od
}
