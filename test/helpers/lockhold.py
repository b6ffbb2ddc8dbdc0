#!/usr/bin/env python3
"""lockhold.py FILE SECONDS [shared] - hold an fcntl lock on FILE.

Prints "locked" once the lock is held, then sleeps, then exits.  Used to
show that roster's binaries wait for the store lock and give up with 6.
"""
import fcntl
import sys
import time

path, secs = sys.argv[1], float(sys.argv[2])
shared = len(sys.argv) > 3 and sys.argv[3] == "shared"
with open(path, "a+") as f:
    fcntl.lockf(f, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(secs)
