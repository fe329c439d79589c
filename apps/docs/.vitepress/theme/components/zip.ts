/**
 * A stored (uncompressed) ZIP archive with CRC-32, written by hand: enough for "download all" of a
 * live page (figures and JSON), readable by every unzip tool, no dependency.
 */

/** One file of the archive: its path inside the archive and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

let table: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of `bytes`, as ZIP stores it. */
export function crc32(bytes: Uint8Array): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The bytes of a ZIP archive that stores `entries` uncompressed (method 0), names in UTF-8 (flag bit
 * 11), all dated 1980-01-01 so that the same files give the same archive.
 */
export function makeZip(entries: readonly ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  const crcs = entries.map((e) => crc32(e.data));
  let localSize = 0;
  for (let i = 0; i < entries.length; i++) localSize += 30 + names[i]!.length + entries[i]!.data.length;
  let centralSize = 0;
  for (const n of names) centralSize += 46 + n.length;
  if (entries.length > 0xffff || localSize + centralSize > 0xffffffff) throw new RangeError("the archive would need ZIP64");
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  let p = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (let i = 0; i < entries.length; i++) {
    const name = names[i]!;
    const data = entries[i]!.data;
    offsets.push(p);
    view.setUint32(p, 0x04034b50, true); // local file header
    view.setUint16(p + 4, 20, true); // version needed: 2.0
    view.setUint16(p + 6, 0x0800, true); // UTF-8 names
    view.setUint16(p + 8, 0, true); // stored
    view.setUint16(p + 10, 0, true); // time
    view.setUint16(p + 12, DOS_DATE, true);
    view.setUint32(p + 14, crcs[i]!, true);
    view.setUint32(p + 18, data.length, true); // compressed size
    view.setUint32(p + 22, data.length, true); // uncompressed size
    view.setUint16(p + 26, name.length, true);
    view.setUint16(p + 28, 0, true); // extra field length
    out.set(name, p + 30);
    out.set(data, p + 30 + name.length);
    p += 30 + name.length + data.length;
  }
  const centralStart = p;
  for (let i = 0; i < entries.length; i++) {
    const name = names[i]!;
    const size = entries[i]!.data.length;
    view.setUint32(p, 0x02014b50, true); // central directory header
    view.setUint16(p + 4, 20, true); // version made by
    view.setUint16(p + 6, 20, true); // version needed
    view.setUint16(p + 8, 0x0800, true);
    view.setUint16(p + 10, 0, true);
    view.setUint16(p + 12, 0, true);
    view.setUint16(p + 14, DOS_DATE, true);
    view.setUint32(p + 16, crcs[i]!, true);
    view.setUint32(p + 20, size, true);
    view.setUint32(p + 24, size, true);
    view.setUint16(p + 28, name.length, true);
    // extra length, comment length, disk number, internal and external attributes: all 0
    view.setUint32(p + 42, offsets[i]!, true);
    out.set(name, p + 46);
    p += 46 + name.length;
  }
  view.setUint32(p, 0x06054b50, true); // end of central directory
  view.setUint16(p + 8, entries.length, true);
  view.setUint16(p + 10, entries.length, true);
  view.setUint32(p + 12, centralSize, true);
  view.setUint32(p + 16, centralStart, true);
  return out;
}
