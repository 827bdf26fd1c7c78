import sqlite3 from 'sqlite3';

/** The idempotency keys (transaction ids) a reference central server stored, read straight from its database. */
export function readCentralTransactionIds(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) return reject(openError);
      db.all('SELECT idempotency_key AS id FROM transactions', (error, rows: { id: string }[]) => {
        db.close();
        if (error) reject(error);
        else resolve(rows.map((r) => r.id));
      });
    });
  });
}
