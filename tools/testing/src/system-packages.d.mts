export interface SystemPackage {
  /** What people call it (also the command or file checked). */
  name: string;
  /** The Debian package that provides it. */
  debian: string;
  /** Which suite or command needs it. */
  neededBy: string;
  /** Required ones make `npm test` fail fast when absent; the others only CI installs. */
  required: boolean;
  present(env: NodeJS.ProcessEnv): boolean;
  where?(env: NodeJS.ProcessEnv): string;
}

export declare const SYSTEM_PACKAGES: SystemPackage[];
/** `TGZ_CHROMIUM_PATH`, else `/usr/bin/chromium`. */
export declare function chromiumPath(env?: NodeJS.ProcessEnv): string;
export declare function findOnPath(name: string, env?: NodeJS.ProcessEnv): string | null;
export declare function missingSystemPackages(options?: { env?: NodeJS.ProcessEnv; all?: boolean }): SystemPackage[];
export declare function missingSystemPackagesMessage(missing: SystemPackage[], env?: NodeJS.ProcessEnv): string;
/** Throws one line naming the missing packages and the install command. */
export declare function assertSystemPackages(names: string[], env?: NodeJS.ProcessEnv): void;
export declare function installSystemPackages(env?: NodeJS.ProcessEnv): void;
