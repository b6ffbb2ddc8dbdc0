#!/bin/sh
# deps.sh [--quiet] PACKAGE... — install the Debian packages that are missing.
# As root: apt-get update (once) and apt-get install -y.  Otherwise print the
# command to run and fail.
quiet=
if [ "$1" = "--quiet" ]; then
	quiet=1
	shift
fi
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case $s in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	[ -n "$quiet" ] || echo "deps: all installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null || exit 1
