// On a phone the panel is a bottom sheet: peek (its tabs), half or full height. Its handle is
// dragged (pointer), clicked (the next size) or moved with the arrow keys.
export type SheetSize = 'peek' | 'half' | 'full';
const sizes: SheetSize[] = ['peek', 'half', 'full'];
const labels: Record<SheetSize, string> = { peek: 'tabs only', half: 'half the screen', full: 'the full screen' };

export function sheetHandle(handle: HTMLButtonElement, sheet: HTMLElement, size: () => SheetSize, setSize: (s: SheetSize) => void): void {
  const describe = () => handle.setAttribute('aria-label', `Panel size: ${labels[size()]}. Drag, click or use the arrow keys to resize.`);
  const step = (by: number) => { setSize(sizes[Math.min(2, Math.max(0, sizes.indexOf(size()) + by))]!); describe(); };
  let start: { y: number; height: number } | null = null;
  let moved = false;
  handle.addEventListener('pointerdown', (e) => {
    start = { y: e.clientY, height: sheet.getBoundingClientRect().height };
    moved = false;
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (!start) return;
    const dy = start.y - e.clientY;
    if (Math.abs(dy) > 6) moved = true;
    if (moved) sheet.style.height = `${Math.max(48, start.height + dy)}px`;
  });
  handle.addEventListener('pointerup', (e) => {
    if (!start) return;
    const parent = sheet.parentElement!.getBoundingClientRect().height;
    const fraction = (start.height + start.y - e.clientY) / parent;
    start = null;
    sheet.style.height = '';
    if (!moved) { setSize(sizes[(sizes.indexOf(size()) + 1) % 3]!); describe(); return; }
    // The nearest of the three sizes.
    setSize(fraction < 0.3 ? 'peek' : fraction < 0.75 ? 'half' : 'full');
    describe();
  });
  handle.addEventListener('click', (e) => e.preventDefault());
  handle.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp') { e.preventDefault(); step(1); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); step(-1); }
  });
  describe();
}
