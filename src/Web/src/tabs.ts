// The side panel's views as tabs (WAI-ARIA tabs pattern: arrow keys, Home and End move between them).
export class Tabs {
  private readonly tabs: HTMLButtonElement[];

  constructor(list: HTMLElement, private readonly onShow: (id: string, byUser: boolean) => void) {
    this.tabs = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    for (const t of this.tabs) t.addEventListener('click', () => this.show(this.id(t), true));
    list.addEventListener('keydown', (e) => {
      const i = this.tabs.indexOf(document.activeElement as HTMLButtonElement);
      if (i < 0) return;
      const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? this.tabs.length - 1 : null;
      if (next === null) return;
      e.preventDefault();
      const t = this.tabs[(next + this.tabs.length) % this.tabs.length]!;
      this.show(this.id(t), true);
    });
  }

  private id(t: HTMLButtonElement): string { return t.id.replace(/^tab-/, ''); }

  get current(): string { return this.id(this.tabs.find((t) => t.getAttribute('aria-selected') === 'true') ?? this.tabs[0]!); }

  show(id: string, focus = false): void {
    const tab = this.tabs.find((t) => this.id(t) === id) ?? this.tabs[0]!;
    for (const t of this.tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on;
    }
    this.onShow(this.id(tab), focus); // first: it may show the panel, and a hidden tab cannot take focus
    if (focus) tab.focus();
  }
}
