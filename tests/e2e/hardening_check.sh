#!/usr/bin/env bash
# The hardened binary really is: PIE, full RELRO (GNU_RELRO + BIND_NOW), stack protector and
# FORTIFY (_chk) symbols. Usage: hardening_check.sh BINARY
set -u
binary=$1
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
check "PIE (ELF type DYN)" "readelf -h '$binary' | grep -q 'Type:.*DYN'"
check "GNU_RELRO segment" "readelf -lW '$binary' | grep -q GNU_RELRO"
check "BIND_NOW (full RELRO)" "readelf -dW '$binary' | grep -Eq 'BIND_NOW|FLAGS.*NOW'"
check "stack protector (__stack_chk_fail)" "readelf -sW --dyn-syms '$binary' | grep -q __stack_chk_fail"
check "FORTIFY (__*_chk)" "readelf -sW --dyn-syms '$binary' | grep -Eq '__[a-z0-9_]+_chk@'"
check "non-executable stack" "readelf -lW '$binary' | grep GNU_STACK | grep -qv RWE"
exit $fail
