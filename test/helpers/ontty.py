"""ontty.py CMD [ARG...] -- run CMD with its output on a terminal (a pty).

For the tests of what a tool does on a terminal (colour).  Where the
machine has no pty devices (a chroot without /dev/pts), it runs itself
again in a private mount namespace with a devpts instance of its own
(root only), so that nothing outside changes.
"""
import os
import pty
import sys


def main():
    try:
        master, slave = os.openpty()
        os.close(master)
        os.close(slave)
    except OSError:
        if os.environ.get("ONTTY_PRIVATE_DEVPTS"):
            raise
        os.environ["ONTTY_PRIVATE_DEVPTS"] = "1"
        # The propagation of / is left alone (a chroot's / is no mount
        # point, so unshare could not make it private); /dev, bind-mounted
        # there, is made private first so that nothing reaches the host.
        script = ('mount --make-rprivate /dev && '
                  'mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts '
                  '&& exec "$@"')
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "unchanged",
                              "sh", "-c", script, "sh",
                              sys.executable, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit(pty.spawn(sys.argv[1:]) >> 8)


main()
