/* Peterson's algorithm, the same steps as peterson.spec (documentation and
   cross-check only; the tests do not need SPIN).
   spin -a peterson.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan
   SPIN 6.5.2: 26 states stored, no assertion violated. */
bool flag[2];
bit turn;
byte ncrit;

active [2] proctype P() {
  do
  :: flag[_pid] = true;
     turn = 1 - _pid;
     (!flag[1 - _pid] || turn == _pid);
crit: skip;
     flag[_pid] = false
  od
}

ltl mutex { [] !(P[0]@crit && P[1]@crit) }
