/** perf's raw record hexdump (`perf report -D`): 16 bytes a line, hex then printable ASCII. */

/** The `. ... raw event` block for one record, exactly as perf prints it. */
export function rawDump(bytes: Uint8Array): string {
  let out = `.\n. ... raw event: size ${bytes.length} bytes\n`;
  for (let i = 0; i < bytes.length; i += 16) {
    let hex = "";
    let ascii = "";
    for (let j = 0; j < 16; j++) {
      if (i + j < bytes.length) {
        const b = bytes[i + j];
        hex += `${b < 16 ? "0" : ""}${b.toString(16)} `;
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
      } else {
        hex += "   ";
        ascii += " ";
      }
    }
    out += `.  ${i.toString(16).padStart(4, "0")}:  ${hex} ${ascii}\n`;
  }
  return out;
}
