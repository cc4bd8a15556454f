export {
  type ConfigEntry,
  type ConfigOptions,
  configGet,
  configGetBool,
  loadPerfConfig,
  PerfConfig,
  parseConfigBool,
  parseConfigInt,
} from "./config.ts";
export { type ConfigEnv, type ConfigFile, configFiles, SYSTEM_CONFIG, userFileUsable } from "./files.ts";
export { type ConfigItem, ConfigParseError, type ParsedConfig, parseConfig } from "./parse.ts";
