#!/usr/bin/env bash
# Installs what cross builds for AArch64 Linux (a Raspberry Pi on a 64-bit OS) and running them
# under QEMU user mode need: the rustup target, the cross linker and C library, and qemu-user
# (`.cargo/config.toml` names the linker and the runner). Idempotent.
set -euo pipefail
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
    rustup target add aarch64-unknown-linux-gnu
fi
bash "$(dirname "$0")/apt-install.sh" qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
