#!/bin/sh
# Packaging: builds the .deb (and the .rpm when rpmbuild is present) from an already built tree,
# checks file lists, control fields, the conffile and maintainer scripts, runs lintian when
# present, unpacks the .deb into a scratch root and runs the unpacked binary.
# Usage: packaging_deb.sh BUILD_DIR SOURCE_DIR VERSION
#
# The package content is staged with `cmake --install` and handed to CPack as an installed
# directory: plain `cpack` from a build tree first builds every target of the project (CPack's
# preinstall), which in a developer tree means every test. Release builds simply run `cpack`.
set -eu
build=$1
src=$2
version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

DESTDIR="$work/stage" cmake --install "$build" --prefix /usr --strip >/dev/null
cpack_from_stage() {
  (cd "$work" && cpack --config "$build/CPackConfig.cmake" -G "$1" -B "$work/out" \
    -D CPACK_INSTALL_CMAKE_PROJECTS= -D "CPACK_INSTALLED_DIRECTORIES=$work/stage;/" \
    -D CPACK_PACKAGING_INSTALL_PREFIX=/ >"$work/cpack-$1.log" 2>&1) ||
    { cat "$work/cpack-$1.log"; fail "cpack -G $1"; }
}
cpack_from_stage DEB
deb=$(ls "$work"/out/*.deb)
echo "built $(basename "$deb")"

expected="./usr/bin/bedrock-reach
./usr/lib/systemd/system/bedrock-reach.service
./usr/lib/systemd/system/bedrock-reach-check.service
./usr/lib/systemd/system/bedrock-reach-check.timer
./etc/bedrock-reach/config.toml
./usr/share/man/man1/bedrock-reach.1.gz
./usr/share/doc/bedrock-reach/copyright
./usr/share/doc/bedrock-reach/changelog.gz
./usr/share/doc/bedrock-reach/findings.md
./usr/share/doc/bedrock-reach/runbook.md
./usr/share/doc/bedrock-reach/ssm-document.json
./usr/share/bedrock-reach/report.schema.json
./usr/share/bedrock-reach/audit.schema.json
./usr/share/bedrock-reach/prometheus/bedrock-reach.rules.yml
./usr/share/bedrock-reach/prometheus/bedrock-reach.rules.test.yml
./usr/share/bedrock-reach/grafana/bedrock-reach.json
./usr/share/bash-completion/completions/bedrock-reach
./usr/share/zsh/vendor-completions/_bedrock-reach
./usr/share/doc/bedrock-reach/kubernetes/bedrock-reach-job.yaml
./usr/share/doc/bedrock-reach/kubernetes/bedrock-reach-daemonset.yaml"
if [ -f "$src/packaging/iam-policy.json" ]; then
  expected="$expected
./usr/share/doc/bedrock-reach/iam-policy.json"
fi
dpkg-deb -c "$deb" > "$work/listing"
awk '{print $6}' "$work/listing" > "$work/files"
echo "$expected" | while read -r path; do
  grep -qx "$path" "$work/files" || fail "$path missing from the .deb"
done
grep -q '^-rwxr-xr-x root/root .* ./usr/bin/bedrock-reach$' "$work/listing" ||
  fail "binary not 0755 root:root"
if grep -v '^d' "$work/listing" | grep -qv ' root/root '; then fail "files not owned by root"; fi
echo "ok: file list"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = bedrock-reach ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', want $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture"
[ "$(field Section)" = net ] || fail "Section"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
field Maintainer | grep -Eq '^[^<]+ <[^@ ]+@[^> ]+>$' || fail "Maintainer is not 'Name <address>'"
field Homepage | grep -Eq '^https://' || fail "no https Homepage: '$(field Homepage)'"
# The report schemas shipped are the ones in the tree.
for schema in report.schema.json audit.schema.json; do
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/bedrock-reach/$schema |
    cmp -s - "$src/docs/$schema" || fail "shipped $schema differs from docs/"
done
[ -n "$(field Description)" ] || fail "no Description"
field Depends | grep -q libsystemd0 || fail "Depends lacks libsystemd0: $(field Depends)"
field Depends | grep -q init-system-helpers || fail "Depends lacks init-system-helpers"
echo "ok: control fields ($(field Depends | tr -d '\n' | cut -c1-60)...)"

mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/bedrock-reach/config.toml ] || fail "conffiles"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "$script missing or not executable"
  sh -n "$work/control/$script" || fail "$script has a syntax error"
  grep -q '\[ -d /run/systemd/system \]' "$work/control/$script" || fail "$script not guarded"
  if grep -Eq '(^|[;&| ])(read|db_input|db_go)( |$)' "$work/control/$script"; then
    fail "$script is interactive"
  fi
done
# The scripts are safe on a host without systemd (no /run/systemd/system: they do nothing).
echo "ok: conffile and maintainer scripts"

if command -v lintian >/dev/null 2>&1; then
  lintian --tag-display-limit 0 "$deb" > "$work/lintian" 2>&1 || true
  grep -E '^[WI]:' "$work/lintian" || true
  if grep -q '^E:' "$work/lintian"; then
    cat "$work/lintian"
    fail "lintian errors"
  fi
  echo "ok: lintian has no errors"
else
  echo "note: lintian not installed, skipped"
fi

dpkg-deb -x "$deb" "$work/root"
got=$("$work/root/usr/bin/bedrock-reach" --version)
[ "$got" = "bedrock-reach $version" ] || fail "--version printed '$got'"
"$work/root/usr/bin/bedrock-reach" --config "$work/root/etc/bedrock-reach/config.toml" \
  config validate >/dev/null 2>&1 || fail "the packaged config.toml does not validate"
if command -v man >/dev/null 2>&1; then
  warnings=$(man --warnings -l "$work/root/usr/share/man/man1/bedrock-reach.1.gz" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man page warnings: $warnings"
fi
python3 - "$work/root/usr/share/doc/bedrock-reach/ssm-document.json" <<'PY' || fail "SSM document"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schemaVersion"] == "2.2", doc["schemaVersion"]
step = doc["mainSteps"][0]
assert step["action"] == "aws:runShellScript"
script = "\n".join(step["inputs"]["runCommand"])
assert "--json-file" in script and "head -c 20000" in script
for name, spec in doc["parameters"].items():
    assert "allowedPattern" in spec or "allowedValues" in spec, name  # no raw shell input
PY
echo "ok: unpacked binary runs ($got), config validates, man page and SSM document"

if command -v rpmbuild >/dev/null 2>&1 && command -v rpm >/dev/null 2>&1; then
  cpack_from_stage RPM
  if grep -i 'warning' "$work/cpack-RPM.log"; then fail "CPack warns while building the RPM"; fi
  rpm_file=$(ls "$work"/out/*.rpm)
  rpm -qlp "$rpm_file" 2>/dev/null > "$work/rpm-files"
  echo "$expected" | sed 's|^\.||' | while read -r path; do
    grep -qx "$path" "$work/rpm-files" || fail "$path missing from the .rpm"
  done
  rpm -qp --configfiles "$rpm_file" 2>/dev/null | grep -qx /etc/bedrock-reach/config.toml ||
    fail "config.toml is not an RPM config file"
  rpm -qp --scripts "$rpm_file" 2>/dev/null | grep -q '/run/systemd/system' ||
    fail "RPM scriptlets not guarded"
  if grep -Eqx '/(etc|usr|usr/lib|usr/lib/systemd|usr/lib/systemd/system)' "$work/rpm-files"; then
    fail "the .rpm claims a system directory"
  fi
  echo "ok: $(basename "$rpm_file")"
else
  echo "note: rpmbuild not installed, RPM not built"
fi
echo "PASS"
