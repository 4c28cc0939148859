export const RATE = 0.92;
let calls = 0;
export function toEuroBase(x: number): number {
  calls++;
  return Math.round(x * RATE * 100) / 100;
}
export function callCount(): number {
  return calls;
}
