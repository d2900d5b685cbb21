/** The shapes the physics engine and the renderer both know (kept free of zod for the render worker). */
export const shapes = ['box', 'sphere', 'cylinder', 'capsule'] as const;
export type Shape = (typeof shapes)[number];
