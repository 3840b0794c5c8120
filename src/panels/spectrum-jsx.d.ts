// JSX types for the Spectrum UXP widgets the panel renders inside Photoshop (sp-button, sp-textfield,
// sp-dropdown, sp-menu, sp-menu-item, sp-progressbar, sp-checkbox). React passes unknown attributes
// through; UXP wants `class`, not `className`, on these elements.
import 'react';

type SpProps = {
  ref?: unknown;
  class?: string;
  children?: unknown;
  key?: string | number;
  style?: Record<string, string | number>;
  slot?: string;
  disabled?: boolean;
  selected?: boolean;
  checked?: boolean;
  quiet?: boolean;
  value?: string | number;
  max?: number;
  min?: number;
  variant?: string;
  type?: string;
  placeholder?: string;
  title?: string;
  'data-testid'?: string;
  'value-label'?: string;
  size?: string;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'sp-button': SpProps;
      'sp-action-button': SpProps;
      'sp-textfield': SpProps;
      'sp-dropdown': SpProps;
      'sp-menu': SpProps;
      'sp-menu-item': SpProps;
      'sp-progressbar': SpProps;
      'sp-checkbox': SpProps;
      'sp-detail': SpProps;
      'sp-body': SpProps;
      'sp-divider': SpProps;
      webview: SpProps & { src?: string; uxpallowinspector?: string; id?: string };
    }
  }
}
