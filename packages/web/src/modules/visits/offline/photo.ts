/** Photos are shrunk on the phone before they are queued: a village's network is slow and the server takes ≤ 3 MB. */
export const MAX_PHOTOS = 9;
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];

export async function shrinkPhoto(file: File, maxSide = 1600, quality = 0.8): Promise<{ blob: Blob; mime: string }> {
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d')!.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', quality));
    if (blob) return { blob, mime: 'image/jpeg' };
  } catch {
    /* a format the browser cannot decode: send it as it is, if the server takes it */
  }
  if (!ACCEPTED.includes(file.type)) throw new Error('照片格式只能是 JPEG、PNG 或 WebP');
  return { blob: file, mime: file.type };
}
