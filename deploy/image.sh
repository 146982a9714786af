#!/usr/bin/env bash
# Builds the container image from deploy/Dockerfile and prints its name:tag
# (mosaic-gateway:<version>, also tagged mosaic-gateway:latest).
#
#   deploy/image.sh [PACKAGE.deb]
#
# The image is Debian 12 (debian:bookworm-slim) with the gateway's Debian package installed:
# nothing is compiled inside it. Without an argument it uses the package of the release build
# (build/mosaic-gateway_<version>-1_amd64.deb), making it with deploy/package.sh when it is not
# there. Give an arm64 package on an arm64 machine to make an arm64 image.
#
# Uses docker when a docker daemon answers, podman otherwise (deploy/install-deps.sh image).
# When the base image debian:bookworm-slim is not there, it is made from Debian packages with
# mmdebstrap, from the Debian mirror this machine's apt uses, and imported under that name: no
# container registry is needed (a site network often reaches none). Output of the build goes to stderr; the only line on stdout is
# the image's name:tag.
set -euo pipefail
cd "$(dirname "$0")/.."

base=debian:bookworm-slim
suite=bookworm

if [ $# -gt 0 ]; then
  deb=$(realpath -e "$1" 2>/dev/null) || { echo "image.sh: no such package: $1" >&2; exit 2; }
fi

./deploy/install-deps.sh image >&2

if [ $# -eq 0 ]; then
  version=$(sed -n 's/^project(mosaic-gateway VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
  deb=build/mosaic-gateway_${version}-1_$(dpkg --print-architecture).deb
  [ -f "$deb" ] || deb=$(./deploy/package.sh)
fi
[ "$(dpkg-deb -f "$deb" Package)" = mosaic-gateway ] || {
  echo "image.sh: $deb is not a mosaic-gateway package" >&2
  exit 2
}
upstream=$(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')
image=mosaic-gateway:$upstream

if docker info >/dev/null 2>&1; then
  engine=(docker)
  build=(docker build)
else
  engine=(podman)
  # chroot isolation builds without the cgroup and namespace set-up that nested or
  # hybrid-cgroup machines refuse; RUN steps share the host's network (the apt mirror).
  build=(podman build --isolation chroot)
fi

# The Debian mirrors this machine's apt uses for the suite, as sources.list lines, read from
# /etc/apt/sources.list and /etc/apt/sources.list.d/*.{list,sources} (both formats).
debian_mirrors() {
  python3 - "$suite" <<'EOF'
import glob, re, sys

suite = sys.argv[1]
wanted = {suite, f"{suite}-updates", f"{suite}-security"}
lines = []

def add(uri, suites, components):
    for s in suites:
        if s in wanted:
            line = f"deb {uri} {s} {' '.join(components)}"
            if line not in lines:
                lines.append(line)

files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
for path in files:
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        continue
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        line = re.sub(r"\[[^\]]*\]", "", line[4:]).split()
        if len(line) >= 3:
            add(line[0], [line[1]], line[2:])

for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    text = open(path, encoding="utf-8").read()
    for stanza in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for raw in stanza.splitlines():
            if raw.startswith("#"):
                continue
            if raw[:1] in (" ", "\t") and key:
                continue  # continuation line (an inline key)
            if ":" in raw:
                key, value = raw.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            add(uri, fields.get("suites", "").split(), fields.get("components", "main").split())

print("\n".join(lines))
EOF
}

make_base() {
  mapfile -t mirrors < <(debian_mirrors)
  if [ ${#mirrors[@]} -eq 0 ]; then
    echo "image.sh: no Debian $suite mirror in this machine's apt sources" >&2
    exit 1
  fi
  echo "image.sh: making $base with mmdebstrap from ${#mirrors[@]} apt source(s)" >&2
  local work
  work=$(mktemp -d)
  # Like the published slim image: minbase, no manual pages or documentation but copyrights.
  mmdebstrap --variant=minbase --mode=root \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --aptopt='APT::Install-Recommends "false"' \
    "$suite" "$work/base.tar" "${mirrors[@]}" >&2 || { rm -rf "$work"; exit 1; }
  "${engine[@]}" import --change 'CMD ["bash"]' "$work/base.tar" "$base" >&2 \
    || { rm -rf "$work"; exit 1; }
  rm -rf "$work"
}

"${engine[@]}" image inspect "$base" >/dev/null 2>&1 || make_base

# A context of just the package, so the build does not send build trees to the engine.
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$deb" "$context/mosaic-gateway.deb"
"${build[@]}" -f deploy/Dockerfile --build-arg "BASE=$base" \
  -t "$image" -t mosaic-gateway:latest "$context" >&2
echo "$image"
