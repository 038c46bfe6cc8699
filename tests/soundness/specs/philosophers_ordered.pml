/* Dining philosophers with resource ordering, the same steps as
   philosophers3_ordered.spec / philosophers4_ordered.spec.
   for N in 3 4: spin -DN=$N -a philosophers_ordered.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan
   SPIN 6.5.2: N=3: 12 states stored, N=4: 29 states stored; no invalid end state. */
#ifndef N
#define N 3
#endif
#define LO(i) ((i) < ((i) + 1) % N -> (i) : ((i) + 1) % N)
#define HI(i) ((i) < ((i) + 1) % N -> ((i) + 1) % N : (i))
bool fork[N];

active [N] proctype phil() {
  do
  :: d_step { !fork[LO(_pid)] -> fork[LO(_pid)] = true };
     d_step { !fork[HI(_pid)] -> fork[HI(_pid)] = true };
     d_step { fork[_pid] = false; fork[(_pid + 1) % N] = false }
  od
}
