/* The broken test-then-set lock, the same steps as naive_lock.spec.
   spin -a naive_lock.pml && gcc -O2 -DNOREDUCE -DBFS -o pan pan.c && ./pan
   SPIN 6.5.2: 24 states stored without the assertion (-DNOCLAIM);
   with it the BFS search reports the assertion violated at depth 4. */
bool locked;

active [2] proctype P() {
  do
  :: !locked;
     locked = true;
crit: skip;
     locked = false
  od
}

active proctype monitor() {
  atomic { (P[0]@crit && P[1]@crit) -> assert(false) }
}
