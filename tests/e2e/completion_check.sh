#!/bin/bash
# The generated completions: bash completes subcommands, options and choices from the CLI's own
# definition (a flag added to the CLI shows up here without editing any list); zsh's script
# parses. Usage: completion_check.sh BINARY
set -u
binary=$1
fail=0
script=$(mktemp)
trap 'rm -f "$script"' EXIT
"$binary" completion bash > "$script" || { echo "FAIL: completion bash"; exit 1; }
# shellcheck disable=SC1090
source "$script"

complete_words() {  # complete_words WORD... -> COMPREPLY for the last word
  COMP_WORDS=(bedrock-reach "$@")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _bedrock_reach
  echo "${COMPREPLY[*]}"
}
expect() {  # expect "WANT" WORD...
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  case " $got " in
    *" $want "*) ;;
    *) echo "FAIL: bedrock-reach $* -> '$got', want '$want'"; fail=1 ;;
  esac
}
expect check ""
expect agent ""
expect audit ""
expect --vpc-id audit --vpc
expect prometheus audit --format ""
expect validate config ""
expect --format check --fo
expect html check --format ""
expect json check --format ""
expect --resolver check --res
expect --emf-file agent --emf
expect --log-format agent --log
expect json agent --log-format ""
expect --output check --out
expect --endpoint-url check --endpoint
expect --endpoint-url agent --endp
expect --model check --mod
# Hidden subcommands stay hidden.
case " $(complete_words "") " in *" completion "*) echo "FAIL: completion offered"; fail=1 ;; esac
"$binary" --help | grep -q completion && { echo "FAIL: completion in --help"; fail=1; }

if command -v zsh >/dev/null 2>&1; then
  "$binary" completion zsh > "$script"
  zsh -n "$script" || { echo "FAIL: zsh completion does not parse"; fail=1; }
  head -1 "$script" | grep -q '^#compdef bedrock-reach$' || { echo "FAIL: no #compdef"; fail=1; }
fi
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
