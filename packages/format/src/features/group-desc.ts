/** GROUP_DESC: `u32 nr;` per group `string name; u32 leader_idx; u32 nr_members`. */
import type { FeatureReader } from "./reader.ts";
import type { GroupDescFeature } from "./types.ts";

/** Decodes GROUP_DESC. */
export function decodeGroupDesc(r: FeatureReader): GroupDescFeature {
  const nr = r.u32("nr groups");
  r.needEntries(nr, 12, "groups");
  const groups: GroupDescFeature["groups"] = [];
  for (let i = 0; i < nr; i++) {
    const name = r.string("group name");
    const leaderIdx = r.u32("leader_idx");
    const nrMembers = r.u32("nr_members");
    groups.push({ name, leaderIdx, nrMembers });
  }
  return { feature: "GROUP_DESC", groups };
}
