// Own your data: the full backup and its restore, everyone as a .vcf or a CSV. Pure TypeScript.
export * from './backup';
export * from './csv';
export * from './restore';
export * from './vcf';
