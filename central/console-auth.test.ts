import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './console-auth.js';

describe('console password hashing (scrypt)', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const one = await hashPassword('correct horse battery staple');
    const two = await hashPassword('correct horse battery staple');
    expect(one).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    // Same password, different salts: equal passwords are not visible in the table.
    expect(one).not.toBe(two);
    expect(await verifyPassword('correct horse battery staple', one)).toBe(true);
    expect(await verifyPassword('correct horse battery staple', two)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', one)).toBe(false);
    expect(await verifyPassword('', one)).toBe(false);
  });

  it('refuses malformed or foreign hashes instead of throwing', async () => {
    const good = await hashPassword('correct horse battery staple');
    const [, n, r, p, salt] = good.split('$');
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', `bcrypt$${n}$${r}$${p}$${salt}$AAAA`)).toBe(false);
    expect(await verifyPassword('x', `scrypt$0$${r}$${p}$${salt}$AAAA`)).toBe(false);
    expect(await verifyPassword('x', `scrypt$${n}$${r}$${p}$${salt}$AAAA`)).toBe(false);
  });
});
