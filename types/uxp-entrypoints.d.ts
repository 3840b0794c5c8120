// NOTE: @adobe/cc-ext-uxp-types 7.3.1 types `entrypoints.setup({ panels })` as an array of panel objects,
// while UXP takes an object keyed by the manifest's panel ids (AdobeDocs/uxp-photoshop, entrypoints.setup).
// This is the shape we call it with.
interface UxpPanelHandlers {
  create?(rootNode: HTMLElement): void | Promise<void>;
  show?(rootNode: HTMLElement, data?: unknown): void | Promise<void>;
  hide?(rootNode: HTMLElement, data?: unknown): void | Promise<void>;
  destroy?(rootNode: HTMLElement): void | Promise<void>;
  invokeMenu?(menuId: string): void;
}

interface UxpEntrypointsSetup {
  plugin?: { create?(): void; destroy?(): void };
  panels?: Record<string, UxpPanelHandlers>;
}
