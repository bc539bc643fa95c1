// The third reference of `npm run bench:proxy`: what verifying a blob's digest
// costs by itself on this machine. Hashes BENCH_SHA256_MIB MiB of distinct
// bytes held in memory with node:crypto's sha256 (OpenSSL; the CPU's SHA
// extensions where it has them), 1 MiB at a time as the proxy's reads arrive,
// and prints "SHA256 <CPU ms of the hashing alone> <hex digest>". Its own
// process, like every reference: its CPU is its own, read around the loop
// only (start-up and the filling of the buffer are not counted).
import { createHash, randomFillSync } from "node:crypto";

const MiB = 1024 * 1024;
const size = Number(process.env.BENCH_SHA256_MIB || 256) * MiB;
const bytes = randomFillSync(Buffer.allocUnsafeSlow(size));
const before = process.cpuUsage();
const hash = createHash("sha256");
for (let offset = 0; offset < size; offset += MiB) hash.update(bytes.subarray(offset, Math.min(offset + MiB, size)));
const digest = hash.digest("hex");
const used = process.cpuUsage(before);
console.log(`SHA256 ${((used.user + used.system) / 1000).toFixed(1)} ${digest}`);
