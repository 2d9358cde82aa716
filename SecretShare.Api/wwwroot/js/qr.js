// QR code of the share link, drawn on a <canvas> in this page: the link holds the key, so it is encoded here and sent
// nowhere. The encoder is qrcode-generator (MIT), vendored unchanged in /lib/qrcode-generator with its license.
import qrcode from '../lib/qrcode-generator/qrcode.mjs';

const QUIET_ZONE_MODULES = 4;
const TARGET_PIXELS = 240;

/**
 * The modules of a QR code for `text` (byte mode, error correction M, smallest version that fits):
 * { size, isDark(row, col) }.
 */
export function qrModules(text) {
  const qr = qrcode(0, 'M');
  qr.addData(String(text), 'Byte');
  qr.make();
  return { size: qr.getModuleCount(), isDark: (row, col) => qr.isDark(row, col) };
}

/** Draws the QR code of `text` on the canvas, black on white with the standard quiet zone, whole pixels per module. */
export function drawQrCode(canvas, text) {
  const modules = qrModules(text);
  const total = modules.size + 2 * QUIET_ZONE_MODULES;
  const scale = Math.max(2, Math.floor(TARGET_PIXELS / total));
  canvas.width = total * scale;
  canvas.height = total * scale;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000000';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.isDark(row, col)) {
        context.fillRect((col + QUIET_ZONE_MODULES) * scale, (row + QUIET_ZONE_MODULES) * scale, scale, scale);
      }
    }
  }
}

/** Blanks the canvas (the link it showed is no longer on the page). */
export function clearQrCode(canvas) {
  canvas.width = 0;
  canvas.height = 0;
}
