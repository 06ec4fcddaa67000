#!/bin/sh
# vg-tlsdiag.sh ARGS... - tlsdiag ($TD_VG_BINARY) under valgrind memcheck
# with the options of tests/tools/valgrind.sh, one log file per process in
# $TD_VG_LOGS.  Exit 99 on a memcheck error (tlsdiag's own codes are 0-4).
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes \
    --log-file="$TD_VG_LOGS/tlsdiag.%p.log" "$TD_VG_BINARY" "$@"
