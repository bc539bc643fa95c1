// The tar (POSIX ustar) framing of an air-gap archive, written by hand
// rather than with a streaming packer such as tar-stream: a download that
// resumes at any byte offset (Range) must compute every header's position
// and bytes from the plan alone, without packing what comes before, and the
// headers must be identical on every download (fixed mode, owner, mtime).
// Entries are directories and regular files with names under 100 bytes
// (blobs/sha256/<64 hex> is 77); sizes above ustar's 8 GiB octal limit use
// the base-256 form GNU tar and Go's archive/tar read.

export const BLOCK = 512;
/** 2000-01-01T00:00:00Z: a fixed mtime, so two downloads are byte-identical. */
export const FIXED_MTIME = 946_684_800;
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function writeSize(block: Buffer, offset: number, value: number): void {
  if (value <= MAX_OCTAL_SIZE) return writeOctal(block, offset, 12, value);
  // Base-256: the first byte's high bit set, the number big-endian in the rest.
  block[offset] = 0x80;
  let rest = BigInt(value);
  for (let index = offset + 11; index > offset; index--) {
    block[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** One 512-byte header for a regular file ("0") or a directory ("5"). */
export function tarHeader(name: string, size: number, type: "file" | "directory"): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, type === "directory" ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeSize(block, 124, type === "directory" ? 0 : size);
  writeOctal(block, 136, 12, FIXED_MTIME);
  block.fill(0x20, 148, 156);
  block[156] = type === "directory" ? 0x35 : 0x30;
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  let checksum = 0;
  for (const byte of block) checksum += byte;
  writeString(block, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** Zero bytes after a file's data up to the next block boundary. */
export function paddingAfter(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The end of an archive: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
