// Paper business cards: from recognised lines to the fields of a card. Pure TypeScript; the
// recogniser that produces the lines lives in the data layer.
export { extractPaperCard, isEmptyReading, UNSURE_BELOW } from './extract';
export { bigLines, joinColumns, linesFromWords, READ_HEIGHT } from './layout';
export {
	cardAngle,
	cardBounds,
	inkRows,
	photoProblem,
	PHOTO_MAX_SIDE,
	scaledSize,
	toGrey,
	type Crop,
	type GreyImage,
	type PhotoProblem
} from './photo';
export {
	emptyReading,
	paperCardFields,
	type Box,
	type FieldReading,
	type PaperCardField,
	type PaperCardReading,
	type RecognisedLine
} from './recognised';
export {
	bestReading,
	bigTypeSpan,
	characterCells,
	isLikelyName,
	readingText,
	verticalColumns,
	withColumn
} from './rereading';
export { paperCardToCard, type PaperCardLabels } from './toCard';
export {
	cornerAt,
	cropCorners,
	framePixels,
	moveCorner,
	placeCorner,
	startingFrame,
	type CropCorner,
	type CropFrame
} from './cropFrame';
