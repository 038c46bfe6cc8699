/* Dining philosophers, the same steps as philosophers3.spec / philosophers4.spec
   (each d_step is one atomic step with no intermediate state stored).
   for N in 3 4: spin -DN=$N -a philosophers.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan
   SPIN 6.5.2: N=3: 14 states stored, invalid end state (deadlock);
               N=4: 34 states stored, invalid end state.
   With -DBFS the deadlock is found at depth N. */
#ifndef N
#define N 3
#endif
bool fork[N];

active [N] proctype phil() {
  do
  :: d_step { !fork[_pid] -> fork[_pid] = true };
     d_step { !fork[(_pid + 1) % N] -> fork[(_pid + 1) % N] = true };
     d_step { fork[_pid] = false; fork[(_pid + 1) % N] = false }
  od
}
