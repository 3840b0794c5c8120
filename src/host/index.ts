// Public face of src/host: the Host interface (implementations arrive with the panel work).
export * from './host';
