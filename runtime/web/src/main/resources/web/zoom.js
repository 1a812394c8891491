// Zoom and pan of an svg by its viewBox: the wheel zooms around the pointer, dragging pans.

/** Zoom and pan for one svg. home() gives the full view {w, h}, from (0, 0). */
export class ZoomPan {
  constructor(svg, home) {
    this.svg = svg;
    this.home = home;
    this.view = { x: 0, y: 0, ...home() };
    /** True while (and just after) a drag, so that the click ending it selects nothing. */
    this.dragged = false;
    svg.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    let start = null;
    svg.addEventListener('pointerdown', (event) => {
      start = { x: event.clientX, y: event.clientY, view: { ...this.view } };
      this.dragged = false;
    });
    svg.addEventListener('pointermove', (event) => {
      if (!start || !(event.buttons & 1)) {
        return;
      }
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!this.dragged && Math.abs(dx) + Math.abs(dy) <= 4) {
        return;
      }
      if (!this.dragged) {
        this.dragged = true;
        svg.setPointerCapture(event.pointerId);
      }
      const rect = svg.getBoundingClientRect();
      const ratio = Math.max(start.view.w / rect.width, start.view.h / rect.height);
      this.set({ ...start.view, x: start.view.x - dx * ratio, y: start.view.y - dy * ratio });
    });
    const end = () => {
      start = null;
      setTimeout(() => { this.dragged = false; }, 0);
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
  }

  wheel(event) {
    event.preventDefault();
    const { w: homeW, h: homeH } = this.home();
    const factor = event.deltaY > 0 ? 1.2 : 1 / 1.2;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(this.svg.getScreenCTM().inverse());
    const w = Math.min(homeW * 2, Math.max(homeW / 40, this.view.w * factor));
    const h = (w / homeW) * homeH;
    this.set({
      x: point.x - ((point.x - this.view.x) * w) / this.view.w,
      y: point.y - ((point.y - this.view.y) * h) / this.view.h,
      w, h,
    });
  }

  set(view) {
    this.view = view;
    this.svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
  }

  /** Back to the whole map. */
  reset() {
    this.set({ x: 0, y: 0, ...this.home() });
  }
}
