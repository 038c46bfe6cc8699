/* Dekker's algorithm, the same steps as dekker.spec (each `if` picks its
   branch in one step; the gotos are jumps, not states).
   spin -a dekker.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan
   SPIN 6.5.2: 106 states stored, 199 transitions (= 198 successors + the
   initial state); with the ltl claim (./pan -a) no error. */
bool flag[2];
bit turn;

active [2] proctype P() {
raise:
  flag[_pid] = true;
check:
  if
  :: !flag[1 - _pid] -> goto crit
  :: flag[1 - _pid] -> goto ask_turn
  fi;
ask_turn:
  if
  :: turn == _pid -> goto check
  :: turn != _pid -> goto back_off
  fi;
back_off:
  flag[_pid] = false;
  (turn == _pid);
  flag[_pid] = true;
  goto check;
crit:
  skip;
  turn = 1 - _pid;
  flag[_pid] = false;
  goto raise
}

ltl mutex { [] !(P[0]@crit && P[1]@crit) }
