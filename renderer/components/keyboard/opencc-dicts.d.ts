// opencc-js ships its character tables as plain ES modules (one string each) without type declarations.
declare module 'opencc-js/dict/STCharacters' {
  const table: string;
  export default table;
}
declare module 'opencc-js/dict/TSCharacters' {
  const table: string;
  export default table;
}
declare module 'opencc-js/dict/HKVariants' {
  const table: string;
  export default table;
}
