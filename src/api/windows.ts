/**
 * Group windows (Tumble, Slide, Session) and over windows (Over), mirroring the Java builders:
 * `Tumble.over(lit(10).minutes()).on($('rowtime')).as('w')`.
 */
import type { ArgNode } from '../gateway/facade';
import { toNode, type ExpressionLike } from './expressions';

interface Step {
  name: string;
  args: ArgNode[];
}

/** A window definition, built on the JVM from a chain of builder calls. */
export class WindowSpec {
  constructor(
    readonly cls: string,
    readonly steps: Step[],
  ) {}

  get node(): ArgNode {
    const [first, ...then] = this.steps;
    return { k: 'chain', cls: this.cls, name: first.name, args: first.args, then };
  }

  protected with(name: string, ...args: ArgNode[]): Step[] {
    return [...this.steps, { name, args }];
  }
}

export class GroupWindow extends WindowSpec {
  readonly kind = 'group' as const;
}

class OnTime extends WindowSpec {
  /** Names the window so `$('w').start()` / `.end()` can refer to it. */
  as(alias: string): GroupWindow {
    return new GroupWindow(this.cls, this.with('as', alias));
  }
}

class WithSize extends WindowSpec {
  /** The time attribute to window on (rowtime or proctime). */
  on(timeField: ExpressionLike): OnTime {
    return new OnTime(this.cls, this.with('on', toNode(timeField)));
  }
}

class SlideWithSize extends WindowSpec {
  every(slide: ExpressionLike): WithSize {
    return new WithSize(this.cls, this.with('every', toNode(slide)));
  }
}

export const Tumble = {
  over: (size: ExpressionLike): WithSize => new WithSize('Tumble', [{ name: 'over', args: [toNode(size)] }]),
};

export const Slide = {
  over: (size: ExpressionLike): SlideWithSize => new SlideWithSize('Slide', [{ name: 'over', args: [toNode(size)] }]),
};

export const Session = {
  withGap: (gap: ExpressionLike): WithSize => new WithSize('Session', [{ name: 'withGap', args: [toNode(gap)] }]),
};

export class OverWindow extends WindowSpec {
  readonly kind = 'over' as const;
}

class OverOrdered extends WindowSpec {
  preceding(bound: ExpressionLike): OverOrdered {
    return new OverOrdered(this.cls, this.with('preceding', toNode(bound)));
  }
  following(bound: ExpressionLike): OverOrdered {
    return new OverOrdered(this.cls, this.with('following', toNode(bound)));
  }
  as(alias: string): OverWindow {
    return new OverWindow(this.cls, this.with('as', alias));
  }
}

class OverPartitioned extends WindowSpec {
  orderBy(timeField: ExpressionLike): OverOrdered {
    return new OverOrdered(this.cls, this.with('orderBy', toNode(timeField)));
  }
}

export const Over = {
  partitionBy: (...fields: ExpressionLike[]): OverPartitioned =>
    new OverPartitioned('Over', [{ name: 'partitionBy', args: fields.map(toNode) }]),
  orderBy: (timeField: ExpressionLike): OverOrdered => new OverOrdered('Over', [{ name: 'orderBy', args: [toNode(timeField)] }]),
};
