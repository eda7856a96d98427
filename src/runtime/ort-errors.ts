/**
 * ONNX Runtime's error messages made one readable line: its multi-line texts ("Got invalid dimensions for
 * input: x for the following indices\n index: 1 Got: 4 Expected: 3\n Please fix either the inputs/outputs
 * or the model.") joined, status prefixes ("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT :") dropped, and a
 * leading "Got" lower-cased so that it reads after cnnlab's own "got".
 */
export function cleanOrtMessage(e: unknown, maxLength = 300): string {
  let s = e instanceof Error ? e.message : String(e);
  s = s.replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/g, '');
  s = s.replace(/\s*\n\s*/g, '; ').replace(/\s{2,}/g, ' ').trim();
  s = s.replace(/;\s*Please fix either the inputs(\/outputs)? or the model\.?/i, '');
  s = s.replace(/ for the following indices;\s*/i, ' at ');
  s = s.replace(/^Got /, '');
  return s.length > maxLength ? `${s.slice(0, maxLength - 1)}…` : s;
}
