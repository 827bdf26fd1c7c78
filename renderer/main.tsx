import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { KioskPage } from './App.js';
import { connectEarly } from './api/connection.js';
import { z } from 'zod';
import './styles.css';

// zod's fast path probes `new Function`, which the strict CSP (rightly) blocks; run without it.
z.config({ jitless: true });

// Kiosk hygiene: no context menu, no pinch or ctrl-wheel zoom, no text-selection drags.
window.addEventListener('contextmenu', (e) => e.preventDefault());
window.addEventListener('wheel', (e) => e.ctrlKey && e.preventDefault(), { passive: false });
window.addEventListener('gesturestart', (e) => e.preventDefault());

// The connection to the core opens while React renders the first screen, not after it.
connectEarly();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <KioskPage />
    </StrictMode>,
  );
}
