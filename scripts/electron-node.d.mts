// Types of scripts/electron-node.mjs for the TypeScript tests that import it.

/** The exact Node release used as Electron's Node; its major must be the pinned Electron's Node major. */
export declare const ELECTRON_NODE_VERSION: string;

/** The Node major that an Electron package.json embeds (the major of its `@types/node` dependency); throws if unknown. */
export declare function nodeMajorOfElectronPackage(electronPackage: {
  version?: unknown;
  dependencies?: Record<string, unknown>;
}): number;

/** The pinned Electron, its Node major and the Node version to test with; throws when they disagree. */
export declare function electronNodeVersion(root: string): {
  electron: string;
  major: number;
  version: string;
};

/** A cached `node` binary of `version` (fetched through `npm exec` once); throws when it cannot be had. */
export declare function nodeBinary(root: string, version: string): string;

/** The binary of the pinned Electron's Node, with the versions it was chosen from. */
export declare function electronNodeBinary(root: string): {
  bin: string;
  electron: string;
  major: number;
  version: string;
};
