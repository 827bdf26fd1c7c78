/** The face check's and the certificate photo's texts in the kiosk's three languages (kept with their screens). */
import type { CatalogLocale } from '../../main/api/views.js';

const zhCN = {
  'face.title': '人脸核验',
  'face.consent.body':
    '所选业务需要核验您本人与身份证照片是否一致。本机将用摄像头拍摄您的面部，仅在本机内与证件照片比对，比对结果（通过或未通过）随业务记录；不保存、不上传任何照片、视频或人脸特征数据。',
  'face.consent.alternative':
    '您也可以不进行人脸核验：业务照常提交，由民警人工核验您的身份，办理时间可能稍长。',
  'face.consent.agree': '同意并开始人脸核验',
  'face.consent.decline': '不进行人脸核验，由民警人工核验',
  'face.loading': '正在准备摄像头…',
  'face.noCamera': '摄像头暂不可用。业务将照常提交，由民警人工核验您的身份。',
  'face.noPhoto': '无法使用证件照片进行比对。业务将照常提交，由民警人工核验您的身份。',
  'face.guide.no-face': '请正对摄像头',
  'face.guide.multiple-faces': '请确保画面中只有您一人',
  'face.guide.too-small': '请靠近一些',
  'face.guide.move-closer': '请靠近一些',
  'face.guide.move-back': '请稍微后退',
  'face.guide.centre-face': '请将面部移到画面中央',
  'face.guide.blurry': '请保持不动',
  'face.guide.too-dark': '光线太暗，请面向亮处',
  'face.guide.too-bright': '光线太强，请避开强光',
  'face.guide.face-camera': '请正视摄像头',
  'face.guide.hold': '很好，请保持不动',
  'face.challenge.blink': '请慢慢眨一下眼',
  'face.challenge.turn-left': '请慢慢向左转头，再转回来',
  'face.challenge.turn-right': '请慢慢向右转头，再转回来',
  'face.verified': '人脸核验通过。',
  'face.retry': '未能核验成功（第 {attempts} 次，共 {max} 次）。',
  'face.officer': '人脸核验未完成。业务将照常提交，由民警人工核验您的身份。',
  'face.tryAgain': '再试一次',
  'face.continue': '继续填写',
  'face.preview': '摄像头画面',
  'photo.title': '证件照拍摄',
  'photo.consent.body':
    '所选业务需要一张证件照。本机将用摄像头为您拍摄，经您确认后，这张照片将随申请一并提交，并保存在您的业务记录中，用于制作证件。不同意则不拍摄、不保存任何照片。',
  'photo.consent.requirements':
    '拍摄要求：正对摄像头，露出眉毛和双耳，不戴帽子和深色眼镜，身后为浅色纯色背景。',
  'photo.consent.agree': '同意，开始拍摄证件照',
  'photo.consent.decline': '不在本机拍照',
  'photo.loading': '正在准备摄像头…',
  'photo.noCamera': '摄像头暂不可用，无法在本机拍照。',
  'photo.guide.no-face': '请正对摄像头，站到取景框内',
  'photo.guide.multiple-faces': '请确保画面中只有您一人',
  'photo.guide.too-small': '请靠近一些',
  'photo.guide.move-closer': '请靠近一些',
  'photo.guide.move-back': '请稍微后退',
  'photo.guide.centre-face': '请将头部对准取景框',
  'photo.guide.blurry': '请保持不动',
  'photo.guide.too-dark': '光线太暗，请面向亮处',
  'photo.guide.too-bright': '光线太强，请避开强光',
  'photo.guide.face-camera': '请正视摄像头，不要歪头',
  'photo.guide.background-dark': '背景太暗，请站在浅色纯色背景前',
  'photo.guide.background-busy': '背景不够简洁，请站在浅色纯色背景前，身后不要有人或物品',
  'photo.guide.hold': '很好，请保持不动，正在拍照',
  'photo.camera': '摄像头画面',
  'photo.check': '请确认照片',
  'photo.shot': '拍摄的证件照',
  'photo.retake': '重拍',
  'photo.use': '使用这张照片',
  'photo.refused': '照片未通过检查，请重拍。',
  'photo.provided': '证件照已保存，将随申请一并提交。',
  'photo.declined': '本机未拍摄、未保存照片。',
  'photo.continue': '继续填写',
};

type FaceKey = keyof typeof zhCN;

const zhHK: Record<FaceKey, string> = {
  'face.title': '人臉核驗',
  'face.consent.body':
    '所選業務需要核驗您本人與證件相片是否一致。本機將以攝像頭拍攝您的面部，只在本機內與證件相片比對，比對結果（通過或未通過）隨業務記錄；不會保存或上傳任何相片、影片或人臉特徵資料。',
  'face.consent.alternative':
    '您亦可不進行人臉核驗：業務照常提交，由警員人手核驗您的身份，辦理時間可能稍長。',
  'face.consent.agree': '同意並開始人臉核驗',
  'face.consent.decline': '不進行人臉核驗，由警員人手核驗',
  'face.loading': '正在準備攝像頭…',
  'face.noCamera': '攝像頭暫不可用。業務將照常提交，由警員人手核驗您的身份。',
  'face.noPhoto': '無法使用證件相片比對。業務將照常提交，由警員人手核驗您的身份。',
  'face.guide.no-face': '請正對攝像頭',
  'face.guide.multiple-faces': '請確保畫面中只有您一人',
  'face.guide.too-small': '請靠近一些',
  'face.guide.move-closer': '請靠近一些',
  'face.guide.move-back': '請稍為後退',
  'face.guide.centre-face': '請將面部移到畫面中央',
  'face.guide.blurry': '請保持不動',
  'face.guide.too-dark': '光線太暗，請面向光亮處',
  'face.guide.too-bright': '光線太強，請避開強光',
  'face.guide.face-camera': '請正視攝像頭',
  'face.guide.hold': '很好，請保持不動',
  'face.challenge.blink': '請慢慢眨一下眼',
  'face.challenge.turn-left': '請慢慢向左轉頭，再轉回來',
  'face.challenge.turn-right': '請慢慢向右轉頭，再轉回來',
  'face.verified': '人臉核驗通過。',
  'face.retry': '未能核驗成功（第 {attempts} 次，共 {max} 次）。',
  'face.officer': '人臉核驗未完成。業務將照常提交，由警員人手核驗您的身份。',
  'face.tryAgain': '再試一次',
  'face.continue': '繼續填寫',
  'face.preview': '攝像頭畫面',
  'photo.title': '證件相拍攝',
  'photo.consent.body':
    '所選業務需要一張證件相。本機將以攝像頭為您拍攝，經您確認後，這張相片會隨申請一併提交，並保存於您的業務記錄中，用於製作證件。不同意則不會拍攝或保存任何相片。',
  'photo.consent.requirements':
    '拍攝要求：正對攝像頭，露出眉毛及雙耳，不戴帽子及深色眼鏡，身後為淺色純色背景。',
  'photo.consent.agree': '同意，開始拍攝證件相',
  'photo.consent.decline': '不在本機拍照',
  'photo.loading': '正在準備攝像頭…',
  'photo.noCamera': '攝像頭暫不可用，無法在本機拍照。',
  'photo.guide.no-face': '請正對攝像頭，站到取景框內',
  'photo.guide.multiple-faces': '請確保畫面中只有您一人',
  'photo.guide.too-small': '請靠近一些',
  'photo.guide.move-closer': '請靠近一些',
  'photo.guide.move-back': '請稍為後退',
  'photo.guide.centre-face': '請將頭部對準取景框',
  'photo.guide.blurry': '請保持不動',
  'photo.guide.too-dark': '光線太暗，請面向光亮處',
  'photo.guide.too-bright': '光線太強，請避開強光',
  'photo.guide.face-camera': '請正視攝像頭，不要歪頭',
  'photo.guide.background-dark': '背景太暗，請站在淺色純色背景前',
  'photo.guide.background-busy': '背景不夠簡潔，請站在淺色純色背景前，身後不要有人或物品',
  'photo.guide.hold': '很好，請保持不動，正在拍照',
  'photo.camera': '攝像頭畫面',
  'photo.check': '請確認相片',
  'photo.shot': '拍攝的證件相',
  'photo.retake': '重拍',
  'photo.use': '使用這張相片',
  'photo.refused': '相片未通過檢查，請重拍。',
  'photo.provided': '證件相已保存，會隨申請一併提交。',
  'photo.declined': '本機沒有拍攝或保存相片。',
  'photo.continue': '繼續填寫',
};

const en: Record<FaceKey, string> = {
  'face.title': 'Face check',
  'face.consent.body':
    'The services you chose need a check that you are the person on the ID card. The camera will take your face and compare it with the card photo on this kiosk only; only the result (passed or not) is recorded with your request. No photo, video or face data is stored or sent.',
  'face.consent.alternative':
    'You may skip the face check: your request is submitted as usual and an officer checks your identity instead, which may take a little longer.',
  'face.consent.agree': 'Agree and start the face check',
  'face.consent.decline': 'Skip the face check; an officer will check my identity',
  'face.loading': 'Getting the camera ready…',
  'face.noCamera':
    'The camera is not available. Your request will be submitted and an officer will check your identity.',
  'face.noPhoto':
    'The card photo cannot be used for the check. Your request will be submitted and an officer will check your identity.',
  'face.guide.no-face': 'Please face the camera',
  'face.guide.multiple-faces': 'Only one person in front of the camera, please',
  'face.guide.too-small': 'Please come a little closer',
  'face.guide.move-closer': 'Please come a little closer',
  'face.guide.move-back': 'Please move back a little',
  'face.guide.centre-face': 'Please move your face to the centre',
  'face.guide.blurry': 'Please hold still',
  'face.guide.too-dark': 'Too dark: please face the light',
  'face.guide.too-bright': 'Too bright: please avoid strong light',
  'face.guide.face-camera': 'Please look straight at the camera',
  'face.guide.hold': 'Good, please hold still',
  'face.challenge.blink': 'Please blink slowly',
  'face.challenge.turn-left': 'Please turn your head slowly to the left, then back',
  'face.challenge.turn-right': 'Please turn your head slowly to the right, then back',
  'face.verified': 'Face check passed.',
  'face.retry': 'The check did not succeed (try {attempts} of {max}).',
  'face.officer':
    'The face check was not completed. Your request will be submitted and an officer will check your identity.',
  'face.tryAgain': 'Try again',
  'face.continue': 'Continue',
  'face.preview': 'Camera picture',
  'photo.title': 'Certificate photo',
  'photo.consent.body':
    'The services you chose need a certificate photo. The camera will take it; once you confirm it, this photo will be stored with your application and used to make your document. If you do not agree, no photo is taken or stored.',
  'photo.consent.requirements':
    'For the photo: face the camera with your eyebrows and ears visible, no hat or dark glasses, and a plain light background behind you.',
  'photo.consent.agree': 'Agree and take the photo',
  'photo.consent.decline': 'Do not take the photo here',
  'photo.loading': 'Getting the camera ready…',
  'photo.noCamera': 'The camera is not available, so the photo cannot be taken here.',
  'photo.guide.no-face': 'Please face the camera, inside the outline',
  'photo.guide.multiple-faces': 'Only one person in front of the camera, please',
  'photo.guide.too-small': 'Please come a little closer',
  'photo.guide.move-closer': 'Please come a little closer',
  'photo.guide.move-back': 'Please move back a little',
  'photo.guide.centre-face': 'Please bring your head into the outline',
  'photo.guide.blurry': 'Please hold still',
  'photo.guide.too-dark': 'Too dark: please face the light',
  'photo.guide.too-bright': 'Too bright: please avoid strong light',
  'photo.guide.face-camera': 'Please look straight at the camera and keep your head level',
  'photo.guide.background-dark': 'The background is too dark: please stand before a plain light wall',
  'photo.guide.background-busy':
    'The background is not plain: please stand before a plain light wall, with nobody and nothing behind you',
  'photo.guide.hold': 'Good, please hold still: taking the photo',
  'photo.camera': 'Camera picture',
  'photo.check': 'Please check your photo',
  'photo.shot': 'The certificate photo taken',
  'photo.retake': 'Retake',
  'photo.use': 'Use this photo',
  'photo.refused': 'The photo did not pass the check; please take it again.',
  'photo.provided': 'Your photo is saved and will be sent with your application.',
  'photo.declined': 'No photo was taken or stored here.',
  'photo.continue': 'Continue',
};

const TABLE: Readonly<Record<CatalogLocale, Record<FaceKey, string>>> = { 'zh-CN': zhCN, 'zh-HK': zhHK, en };

/** A face-check text in the locale, with `{name}` placeholders filled. */
export function faceText(
  locale: CatalogLocale,
  key: FaceKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  return TABLE[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** The texts' keys. */
export type { FaceKey };

/** Every locale has every key (checked by the tests). */
export const FACE_TEXT_TABLE = TABLE;
