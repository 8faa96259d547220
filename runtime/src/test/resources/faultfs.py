#!/usr/bin/env python3
"""A tiny FUSE file system for the fault tests: data.bin (16 MiB, each 4 KiB block filled with its index & 0xff)
answers EIO for the blocks of --eio, slow.bin (1 MiB) delays every read by --delay seconds. Both are opened in FUSE's
direct_io mode, so O_DIRECT opens work and reads reach this process.

    python3 faultfs.py MOUNTPOINT [--eio 3,4] [--delay 3]
"""
import argparse
import errno
import stat
import threading
import time

import fusepy as fuse

BLOCK = 4096
FILES = {"/data.bin": 16 << 20, "/slow.bin": 1 << 20}


class FaultFs(fuse.Operations):
    def __init__(self, eio_blocks, delay):
        self.eio_blocks = eio_blocks
        self.delay = delay
        self.now = time.time()

    def getattr(self, path, fh=None):
        if path == "/":
            return dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2, st_mtime=self.now, st_ctime=self.now,
                        st_atime=self.now)
        if path in FILES:
            return dict(st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=FILES[path], st_mtime=self.now,
                        st_ctime=self.now, st_atime=self.now, st_blksize=BLOCK)
        raise fuse.FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", ".."] + [name[1:] for name in FILES]

    def open(self, path, fi):
        if path not in FILES:
            raise fuse.FuseOSError(errno.ENOENT)
        fi.direct_io = 1
        return 0

    def read(self, path, size, offset, fi):
        if path == "/slow.bin":
            time.sleep(self.delay)
        end = min(offset + size, FILES[path])
        if path == "/data.bin":
            for block in range(offset // BLOCK, (end + BLOCK - 1) // BLOCK):
                if block in self.eio_blocks:
                    raise fuse.FuseOSError(errno.EIO)
        out = bytearray()
        position = offset
        while position < end:
            block = position // BLOCK
            n = min(end, (block + 1) * BLOCK) - position
            out += bytes([block & 0xFF]) * n
            position += n
        return bytes(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mountpoint")
    parser.add_argument("--eio", default="")
    parser.add_argument("--delay", type=float, default=3.0)
    args = parser.parse_args()
    eio = {int(b) for b in args.eio.split(",") if b}
    fuse.FUSE(FaultFs(eio, args.delay), args.mountpoint, foreground=True, nothreads=False, raw_fi=True,
              allow_other=False)
