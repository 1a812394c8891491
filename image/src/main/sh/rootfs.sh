#!/bin/sh
# The image's files, besides the distribution, with no base image to pull: a JRE made by jlink from the JDK that
# runs the build, the few files of Debian's glibc (and its dash as /bin/sh) that it needs, copied from this machine,
# and /etc files for a numeric user.
#   rootfs.sh JAVA_HOME DISTRIBUTION_FOLDER OUT_FOLDER
set -eu
java_home=$1
dist=$2
out=$3
[ -x "$dist/bin/regie" ] || { echo "rootfs.sh: no distribution in $dist: build the distribution module first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/bin"

# The JRE: Java SE, plus what Netty (the embedded broker) and the runtime reach for; with the JDK's base class-data
# sharing archive, which bin/regie's archive of Regie's classes builds on.
"$java_home/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.management,jdk.net,jdk.naming.dns \
    --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive --output "$out/opt/java"

# The CA certificates, for an ssl:// broker: Debian keeps them outside the JDK (ca-certificates-java).
if [ -f /etc/ssl/certs/java/cacerts ]; then
    mkdir -p "$out/opt/java/lib/security"
    cp -L /etc/ssl/certs/java/cacerts "$out/opt/java/lib/security/cacerts"
fi

# The shared libraries they load, from this machine's Debian, at the same paths; not those of the desktop modules'
# native parts (AWT, fonts, sound, images), which a headless Regie never loads.
cp /bin/dash "$out/bin/sh"
for binary in "$out/bin/sh" "$out"/opt/java/bin/* "$out"/opt/java/lib/*.so "$out"/opt/java/lib/server/libjvm.so; do
    case ${binary##*/} in
        libawt* | libjawt* | libfontmanager* | libjsound* | libsplashscreen* | liblcms* | libjavajpeg* | libmlib_image*) continue ;;
    esac
    ldd "$binary" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r library; do
    case $library in
        "$out"/*) ;;
        *) cp -L --parents "$library" "$out" ;;
    esac
done

# A numeric user without a home of its own, and name lookups from files (glibc 2.36 has them built in).
printf 'root:x:0:0:root:/root:/sbin/nologin\nregie:x:10001:10001:Regie:/opt/regie/state:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nregie:x:10001:\n' > "$out/etc/group"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' > "$out/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"

# The distribution, without what a run left in it.
cp -a "$dist" "$out/opt/regie"
rm -rf "$out/opt/regie/state"
mkdir -p "$out/opt/regie/state"
