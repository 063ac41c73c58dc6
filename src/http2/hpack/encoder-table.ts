/**
 * The encoder's dynamic table: the ring buffer plus Map indexes so that
 * finding a match costs two hash lookups, not a scan per header.
 */
import { DynamicTable } from './dynamic-table.js';
import { STATIC_TABLE_LENGTH } from './static-table.js';

interface NameSlot {
  /** id of the newest entry with this name. */
  newestId: number;
  /** value -> id of the newest entry with this exact name and value. */
  readonly idByValue: Map<string, number>;
}

export class EncoderTable extends DynamicTable {
  private readonly byName = new Map<string, NameSlot>();

  /** HPACK index (62+) of an exact match, or 0. */
  findField(name: string, value: string): number {
    const id = this.byName.get(name)?.idByValue.get(value);
    return id === undefined ? 0 : this.indexOfId(id);
  }

  /** HPACK index (62+) of the newest entry with this name, or 0. */
  findName(name: string): number {
    const slot = this.byName.get(name);
    return slot === undefined ? 0 : this.indexOfId(slot.newestId);
  }

  private indexOfId(id: number): number {
    return STATIC_TABLE_LENGTH + this.insertCount - id;
  }

  protected override onInsert(name: string, value: string, id: number): void {
    const slot = this.byName.get(name);
    if (slot === undefined) {
      this.byName.set(name, { newestId: id, idByValue: new Map([[value, id]]) });
    } else {
      slot.newestId = id;
      slot.idByValue.set(value, id);
    }
  }

  protected override onEvict(name: string, value: string, id: number): void {
    // Eviction is oldest-first, so if the map still points at this id, no
    // newer duplicate exists and the key can go.
    const slot = this.byName.get(name);
    if (slot === undefined) return;
    if (slot.idByValue.get(value) === id) slot.idByValue.delete(value);
    if (slot.newestId === id) this.byName.delete(name);
  }
}
