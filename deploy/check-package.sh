#!/usr/bin/env bash
# Checks the Debian package without installing it and without a running systemd.
#
#   deploy/check-package.sh [PACKAGE.deb]
#
# Without an argument it builds the package first with deploy/package.sh. Checks, in order:
#   1. contents (dpkg-deb -c): the expected files, with their modes, all owned by root, and
#      nothing outside the package's own places;
#   2. control data: name, section, maintainer, shared library dependencies, the conffile,
#      and executable maintainer scripts;
#   3. the packaged binaries are built for the package's architecture, and the gateway runs
#      and reports the package's upstream version (an arm64 package's through
#      qemu-user-static, on a machine of another architecture);
#   4. lintian: fails on any error (E:), warnings and notes are shown only;
#   5. systemd-analyze verify on the packaged unit, as an instance;
#   6. systemd-analyze security --offline=yes on the packaged unit: exposure 2.0 or lower.
# Installs lintian and systemd-analyze when they are missing (deploy/install-deps.sh package);
# nothing it installs starts a service.
set -euo pipefail

max_exposure=2.0

if [ $# -gt 0 ]; then
  deb=$(realpath -e "$1" 2>/dev/null) || { echo "check-package.sh: no such package: $1" >&2; exit 2; }
fi
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  deb=$(./deploy/package.sh)
fi
[ -f "$deb" ] || { echo "check-package.sh: no such package: $deb" >&2; exit 2; }

# An arm64 package's programs run here through qemu-user-static (the arm64 set).
if [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] && [ "$(dpkg --print-architecture)" != arm64 ]; then
  ./deploy/install-deps.sh arm64
else
  ./deploy/install-deps.sh package
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

echo "== $deb"

# 1. Contents ------------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$work/contents"
# "mode owner size date time path" -> "path mode owner"; directories lose their trailing /.
awk '{ p = $6; sub(/^\.\//, "/", p); if (p != "/") sub(/\/$/, "", p); print p, $1, $2 }' \
  "$work/contents" >"$work/files"

expect() { # path mode
  local line
  line=$(awk -v p="$1" '$1 == p' "$work/files")
  if [ -z "$line" ]; then
    fail "missing $1"
  elif [ "$(awk '{ print $2 }' <<<"$line")" != "$2" ]; then
    fail "$1 has mode $(awk '{ print $2 }' <<<"$line"), expected $2"
  else
    pass "$1 ($2)"
  fi
}
expect /usr/bin/mosaic-gateway -rwxr-xr-x
expect /usr/bin/mosaic-sim -rwxr-xr-x
expect /lib/systemd/system/mosaic-gateway@.service -rw-r--r--
expect /etc/mosaic-gateway drwxr-xr-x
expect /etc/mosaic-gateway/starter.yaml -rw-r--r--
expect /usr/share/doc/mosaic-gateway/copyright -rw-r--r--
expect /usr/share/doc/mosaic-gateway/changelog.gz -rw-r--r--
expect /usr/share/doc/mosaic-gateway/changelog.Debian.gz -rw-r--r--
expect /usr/share/doc/mosaic-gateway/README.md -rw-r--r--
expect /usr/share/doc/mosaic-gateway/capture-format.md -rw-r--r--
expect /usr/share/doc/mosaic-gateway/examples/example.yaml -rw-r--r--
expect /usr/share/man/man1/mosaic-gateway.1.gz -rw-r--r--
# Secrets never ship: the only file in /etc is the starter, which takes passwords from credentials.
etc_files=$(awk '$1 ~ /^\/etc\/mosaic-gateway\// { print $1 }' "$work/files")
[ "$etc_files" = /etc/mosaic-gateway/starter.yaml ] && pass "only starter.yaml in /etc/mosaic-gateway" \
  || fail "files in /etc/mosaic-gateway: $etc_files"

not_root=$(awk '$3 != "root/root" { print $1 }' "$work/files")
[ -z "$not_root" ] && pass "every entry owned by root/root" || fail "not owned by root: $not_root"

# Anything outside these places (or a parent directory of them) is a stray install rule.
stray=$(awk '{ print $1 }' "$work/files" | grep -Ev \
  '^/(etc|lib|lib/systemd|lib/systemd/system|usr|usr/bin|usr/share|usr/share/doc|usr/share/man|usr/share/man/man1)?$|^/etc/mosaic-gateway(/|$)|^/lib/systemd/system/mosaic-gateway@\.service$|^/usr/bin/mosaic-(gateway|sim)$|^/usr/share/doc/mosaic-gateway(/|$)|^/usr/share/man/man1/mosaic-gateway\.1\.gz$' \
  || true)
[ -z "$stray" ] && pass "no files outside the package's places" || fail "unexpected files: $stray"

# 2. Control data --------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = mosaic-gateway ] && pass "Package: mosaic-gateway" || fail "Package is $(field Package)"
[ "$(field Section)" = net ] && pass "Section: net" || fail "Section is $(field Section)"
[ "$(field Maintainer)" = "mosaic-gateway developers <dev@mosaic-gateway.invalid>" ] \
  && pass "Maintainer" || fail "Maintainer is $(field Maintainer)"
depends=$(field Depends)
for lib in libc6 libpaho-mqttpp3 libyaml-cpp libssl3 libsystemd0; do
  grep -q "$lib" <<<"$depends" && pass "Depends on $lib" || fail "Depends lacks $lib: $depends"
done

mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/mosaic-gateway/starter.yaml "$work/control/conffiles" 2>/dev/null \
  && pass "conffile /etc/mosaic-gateway/starter.yaml" || fail "starter.yaml is not a conffile"
for script in postinst prerm postrm; do
  if [ -e "$work/control/$script" ]; then
    if [ -x "$work/control/$script" ] && sh -n "$work/control/$script"; then
      pass "$script is an executable, valid shell script"
    else
      fail "$script is not executable or not valid shell"
    fi
  fi
done

# 3. The packaged binary -------------------------------------------------------------------
mkdir "$work/root"
dpkg-deb -x "$deb" "$work/root"
arch=$(field Architecture)
case $arch in
amd64) machine="Advanced Micro Devices X86-64" ;;
arm64) machine=AArch64 ;;
*) machine="" ;;
esac
[ -n "$machine" ] && pass "Architecture: $arch" || fail "Architecture is $arch (amd64 or arm64)"
for program in mosaic-gateway mosaic-sim; do
  elf=$(readelf -h "$work/root/usr/bin/$program" | sed -n 's/^ *Machine: *//p')
  [ "$elf" = "$machine" ] && pass "$program is built for $arch ($elf)" \
    || fail "$program is built for '$elf', the package is $arch"
done
run=()
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  case $arch in
  arm64) run=(qemu-aarch64-static -L /) ;;
  esac
  command -v "${run[0]:-none}" >/dev/null || fail "no way to run $arch programs here (qemu-user-static)"
fi
upstream=$(field Version | sed 's/-[^-]*$//')
version=$("${run[@]}" "$work/root/usr/bin/mosaic-gateway" --version 2>&1) || true
[ "$version" = "mosaic-gateway $upstream" ] && pass "--version: $version" \
  || fail "--version printed '$version', expected 'mosaic-gateway $upstream'"

# 4. lintian -------------------------------------------------------------------------------
echo "== lintian"
lintian_rc=0
lintian --fail-on error --display-info "$deb" >"$work/lintian" 2>&1 || lintian_rc=$?
grep -v 'running with root privileges is not recommended' "$work/lintian" || true
if [ "$lintian_rc" -ne 0 ] || grep -q '^E:' "$work/lintian"; then
  fail "lintian reports errors"
else
  pass "lintian: no errors ($(grep -c '^W:' "$work/lintian" || true) warnings)"
fi

# 5. systemd-analyze verify ----------------------------------------------------------------
# verify needs every Exec*= program to exist. The unit names /usr/bin/mosaic-gateway, which
# need not be installed here: check a copy that names the packaged binary instead, loaded as
# the instance mosaic-gateway@check.service of the template.
echo "== systemd-analyze verify"
mkdir "$work/units"
unit="$work/root/lib/systemd/system/mosaic-gateway@.service"
sed "s#/usr/bin/mosaic-gateway#$work/root/usr/bin/mosaic-gateway#g" "$unit" \
  >"$work/units/mosaic-gateway@.service"
verify_rc=0
SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "$work/units/mosaic-gateway@check.service" \
  >"$work/verify" 2>&1 || verify_rc=$?
cat "$work/verify"
# Any remark about the unit (an unknown key, a bad value) fails the check, not only errors.
if [ "$verify_rc" -ne 0 ] || grep -q 'mosaic-gateway' "$work/verify"; then
  fail "systemd-analyze verify"
else
  pass "systemd-analyze verify"
fi

# 6. systemd-analyze security --------------------------------------------------------------
echo "== systemd-analyze security --offline=yes"
mkdir "$work/shipped"
cp "$unit" "$work/shipped/"
SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=yes --no-pager \
  "$work/shipped/mosaic-gateway@check.service" >"$work/security" 2>&1 || true
grep -E '^✗' "$work/security" || true
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security")
if [ -z "$exposure" ]; then
  cat "$work/security"
  fail "no exposure level from systemd-analyze security"
elif awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
  pass "exposure $exposure (at most $max_exposure)"
else
  fail "exposure $exposure is above $max_exposure"
fi

echo
if [ "$failures" -ne 0 ]; then
  echo "check-package.sh: $failures check(s) failed"
  exit 1
fi
echo "check-package.sh: all checks passed"
