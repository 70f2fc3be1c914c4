import { usccCheckCharacter } from '../../domain/uscc';

let counter = 0;

/** A valid unified social credit code, different on every call (Jintan division 320482). */
export function validUscc(): string {
  counter += 1;
  const serial = `${Date.now().toString(36).toUpperCase().replace(/[IOSVZ]/g, '1').slice(-5)}${String(counter).padStart(4, '0')}`;
  const first17 = `91320482${serial}`.slice(0, 17);
  return first17 + usccCheckCharacter(first17);
}
