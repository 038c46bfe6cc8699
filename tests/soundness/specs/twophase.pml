/* TwoPhase.tla with RM = {r1, r2, r3}, the same actions as twophase.spec
   (one process, each TLA+ action one d_step; `rm` ranges over 0..2).
   spin -a twophase.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan
   SPIN 6.5.2: 288 states stored, 1146 transitions (= stored + matched,
   i.e. 1145 successors plus the initial state), no assertion violated --
   TLC's 288 distinct / 1146 total of the tlaplus/Examples manifest. */
mtype = { working, prepared, committed, aborted };
mtype = { tinit, tcommitted, taborted };
mtype rmState[3] = working;
mtype tmState = tinit;
bool tmPrepared[3];
bool preparedMsg[3];
bool commitMsg, abortMsg;

#define RMACTIONS(r) \
  :: d_step { tmState == tinit && preparedMsg[r] -> tmPrepared[r] = true } \
  :: d_step { rmState[r] == working -> rmState[r] = prepared; preparedMsg[r] = true } \
  :: d_step { rmState[r] == working -> rmState[r] = aborted } \
  :: d_step { commitMsg -> rmState[r] = committed } \
  :: d_step { abortMsg -> rmState[r] = aborted }

active proctype system() {
  do
  :: d_step { tmState == tinit && tmPrepared[0] && tmPrepared[1] && tmPrepared[2] ->
              tmState = tcommitted; commitMsg = true }
  :: d_step { tmState == tinit -> tmState = taborted; abortMsg = true }
  RMACTIONS(0)
  RMACTIONS(1)
  RMACTIONS(2)
  od
}
