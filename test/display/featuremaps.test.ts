import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { featureMaps } from '../../src/display/featuremaps';
import { featureMapsFigure } from '../../src/display/render/featuremaps-svg';
import { colorOf } from '../../src/display/png';
import { JUPYTER_DISPLAY } from '../../src/display/bundle';
import { MIME } from '../../src/display/schema';
import { Tensor, ConfigError, ShapeError } from '../../src';

it('feature maps: data round-trips, PNG grid has the right size and colours, text summarises', () => {
  const c = 5, h = 3, w = 4;
  const t = new Tensor('float32', Float32Array.from({ length: 2 * c * h * w }, (_, i) => i), [2, c, h, w]);
  const d = featureMaps(t, { name: 'layer1', channels: [0, 4], batchIndex: 1, tile: 10 });
  const b = d[JUPYTER_DISPLAY]();
  const data = b[MIME.featuremaps] as typeof d.data;
  expect(data.shape).toEqual([5, 3, 4]);
  expect(data.channels).toEqual([0, 4]);
  const m4 = new Float32Array(Uint8Array.from(Buffer.from(data.maps[1].data, 'base64')).buffer);
  // item 1, channel 4 starts at (1·5 + 4)·12 = 108
  expect(Array.from(m4)).toEqual(Array.from({ length: 12 }, (_, i) => 108 + i));
  expect(data.range).toEqual([60, 119]);
  const png = PNG.sync.read(Buffer.from(b['image/png'] as string, 'base64'));
  const fig = featureMapsFigure(data, { tile: 10 });
  expect([png.width, png.height]).toEqual([fig.width, fig.height]);
  expect(fig.tiles.map((t) => t.width)).toEqual([10, 10]);
  // the first tile's top-left map pixel (3×4 map on a 10-px tile: 2.5 px a cell) is the shared minimum → the
  // colormap's first colour; the second tile's bottom-right one the maximum
  const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
  expect(px(fig.tiles[0].x + 1, fig.tiles[0].y + 1)).toEqual(colorOf('viridis', 0));
  expect(px(fig.tiles[1].x + 8, fig.tiles[1].y + 6)).toEqual(colorOf('viridis', 1));
  expect(b['text/plain']).toContain("FeatureMaps 'layer1': 5×3×4 (item 1), showing 2 channels");
});

it('feature maps: bad options are typed errors', () => {
  const t = Tensor.zeros('float32', [1, 2, 3, 3]);
  expect(() => featureMaps(t, { channels: [2] })).toThrow(ConfigError);
  expect(() => featureMaps(t, { colormap: 'jet' as never })).toThrow(/expected viridis \| inferno/);
  expect(() => featureMaps(Tensor.zeros('float32', [3, 3]))).toThrow(ShapeError);
});
