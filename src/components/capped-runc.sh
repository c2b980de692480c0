#!/bin/sh
# Docker's runtime on machines whose capability bounding set lacks some capabilities: Docker asks
# for every capability it knows for a --privileged container (kind's nodes), and runc cannot grant
# one its own process does not hold. This cuts each container's capability sets to the bounding
# set of this machine, as containerd does for privileged containers, then runs runc unchanged.
set -eu
RUNC=${KHD_RUNC:-/usr/sbin/runc}
# create/run read the bundle's config.json; exec (docker exec --privileged) reads a --process file.
spec=""
filter=""
prev=""
for arg in "$@"; do
  case "$prev" in
    --bundle | -b) spec=$arg/config.json filter=.process.capabilities ;;
    --process | -p) spec=$arg filter=.capabilities ;;
  esac
  case "$arg" in
    --bundle=*) spec=${arg#--bundle=}/config.json filter=.process.capabilities ;;
    --process=*) spec=${arg#--process=} filter=.capabilities ;;
  esac
  prev=$arg
done
if [ -n "$spec" ] && [ -f "$spec" ]; then
  bounding=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
  held=""
  i=0
  # Capability numbers 0..40 of linux/capability.h, in order.
  for cap in CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP \
    LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE \
    SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME \
    SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG \
    WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE; do
    if [ $(((0x$bounding >> i) & 1)) -eq 1 ]; then held="$held\"CAP_$cap\","; fi
    i=$((i + 1))
  done
  tmp="$spec.khd"
  jq --argjson held "[${held%,}]" \
    "if $filter then $filter |= with_entries(.value |= map(select(. as \$c | \$held | index(\$c)))) else . end" \
    "$spec" >"$tmp"
  mv "$tmp" "$spec"
fi
exec "$RUNC" "$@"
