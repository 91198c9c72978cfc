#!/usr/bin/env bash
# Installs what cross builds for the Raspberry Pi targets and running them under QEMU user mode
# need: AArch64 Linux (a Pi on a 64-bit OS) and ARMv7 Linux with hard float (a Pi on the 32-bit
# OS): the rustup targets, the cross linkers and C libraries, and qemu-user
# (`.cargo/config.toml` names the linkers and the runners), and GNU time for peak RSS. Idempotent.
set -euo pipefail
for target in aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf; do
    if ! rustup target list --installed | grep -qx "$target"; then
        rustup target add "$target"
    fi
done
bash "$(dirname "$0")/apt-install.sh" qemu-user time \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
