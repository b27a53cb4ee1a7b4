import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openRapportDatabase } from './db';
import { onPaperCardPhoto, paperCardPhotoRepository } from './paperCardPhotos';

let databases = 0;

describe('paperCardPhotoRepository', () => {
	it('keeps a photo by connection, announces it, and deletes it', async () => {
		const db = await openRapportDatabase({ name: `rapport-photos-${++databases}` });
		const photos = paperCardPhotoRepository(db);
		const heard = vi.fn();
		const stop = onPaperCardPhoto(heard);
		const id = '00000000-0000-4000-8000-00000000c0de';

		expect(await photos.get(id)).toBeNull();
		await photos.save(id, new Blob(['jpeg'], { type: 'image/jpeg' }));
		expect(await (await photos.get(id))?.text()).toBe('jpeg');
		await photos.delete(id);
		expect(await photos.get(id)).toBeNull();
		expect(heard).toHaveBeenCalledTimes(2);
		stop();
		db.close();
	});
});
